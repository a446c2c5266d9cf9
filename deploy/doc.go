// Package deploy holds foidesk's deployment files — the container image,
// a compose stack and Kubernetes manifests — and the test that keeps them
// in step with the variables the binary reads.
package deploy
