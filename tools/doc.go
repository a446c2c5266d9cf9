// Module tools pins the static-analysis tools make lint runs (workflowcheck,
// staticcheck), apart from foidesk's own module so their dependencies do not
// mix with the program's.
package tools
