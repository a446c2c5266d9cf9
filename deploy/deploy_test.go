package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/foidesk/foidesk/internal/config"
)

// known reports whether the binary reads a variable (or its _FILE form).
func known(name string) bool {
	base := strings.TrimSuffix(name, "_FILE")
	for _, v := range config.Vars {
		if v.Name == name || (v.Name == base && v.Secret && name != base) {
			return true
		}
	}
	return false
}

// required are what a worker and the dashboard cannot start without.
var required = []string{"DATABASE_URL", "TEMPORAL_ADDRESS"}

func setVars(t *testing.T, where string, vars []string) {
	t.Helper()
	for _, v := range vars {
		if !known(v) {
			t.Errorf("%s sets %s, which foidesk does not read", where, v)
		}
	}
	for _, r := range required {
		if !slices.Contains(vars, r) && !slices.Contains(vars, r+"_FILE") {
			t.Errorf("%s does not set %s (or %s_FILE)", where, r, r)
		}
	}
}

func TestEnvExample(t *testing.T) {
	f, err := os.Open("foidesk.env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vars []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "#"))
		name, _, ok := strings.Cut(line, "=")
		if ok && name == strings.ToUpper(name) && !strings.Contains(name, " ") {
			vars = append(vars, name)
		}
	}
	setVars(t, "foidesk.env.example", vars)
}

func TestCompose(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image   string   `yaml:"image"`
			EnvFile string   `yaml:"env_file"`
			Command []string `yaml:"command"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, svc := range []string{"postgres", "temporal", "temporal-ui", "setup", "worker", "dashboard"} {
		if _, ok := c.Services[svc]; !ok {
			t.Errorf("compose.yaml has no %s service", svc)
		}
	}
	for name, want := range map[string]string{"setup": "setup", "worker": "worker", "dashboard": "serve"} {
		s := c.Services[name]
		if len(s.Command) == 0 || s.Command[0] != want || s.EnvFile != "foidesk.env" {
			t.Errorf("service %s runs %v with env file %q, want foidesk %s with foidesk.env", name, s.Command, s.EnvFile, want)
		}
	}
}

func TestKubernetes(t *testing.T) {
	f, err := os.Open("k8s/foidesk.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	kinds := map[string]int{}
	var configMap []string
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
			Spec struct {
				Template struct {
					Spec struct {
						Containers []struct {
							Args []string `yaml:"args"`
							Env  []struct {
								Name string `yaml:"name"`
							} `yaml:"env"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("k8s/foidesk.yaml: %v", err)
		}
		kinds[doc.Kind]++
		if doc.Kind == "ConfigMap" {
			for k := range doc.Data {
				configMap = append(configMap, k)
			}
			continue
		}
		for _, c := range doc.Spec.Template.Spec.Containers {
			vars := slices.Clone(configMap)
			for _, e := range c.Env {
				vars = append(vars, e.Name)
			}
			setVars(t, "k8s "+doc.Kind+" "+strings.Join(c.Args, " "), vars)
		}
	}
	if kinds["Deployment"] != 2 || kinds["Job"] != 1 || kinds["Service"] != 1 {
		t.Errorf("manifests hold %v; want the setup Job, two Deployments and a Service", kinds)
	}
}

func TestDockerfileBuildsTheBinary(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/foidesk", "ENTRYPOINT [\"foidesk\"]", "USER foidesk"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
