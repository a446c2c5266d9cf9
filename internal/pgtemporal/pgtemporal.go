// Package pgtemporal runs a Temporal server that persists to PostgreSQL:
// the production topology, on one machine. It sets up Temporal's schema
// (its own two databases) when they are empty and registers the namespace
// with foidesk's search attributes, then serves the frontend on Addr.
//
// foidesk's fault-injection suite runs it as a separate process
// (cmd/foidesk-temporal) so that it can be killed and restarted; its state
// survives in PostgreSQL.
package pgtemporal

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	"go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/resolver"
	dbschemas "go.temporal.io/server/schema"
	pgschema "go.temporal.io/server/schema/postgresql/v12"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"

	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/workflows"
)

// Options say where PostgreSQL is and where to serve.
type Options struct {
	// PostgreSQL: host:port, user and password; the server uses the
	// databases Database (default "temporal") and Database+"_visibility".
	PostgresAddr string
	User         string
	Password     string
	Database     string
	// Addr is the frontend's host:port (default 127.0.0.1:7233); the
	// server's internal services take the next three ports.
	Addr      string
	Namespace string // default "default"
	Shards    int32  // history shards (default 4; fixed once the database is set up)
	// LogLevel of the server's own log, written to stderr as JSON
	// (default "warn").
	LogLevel string
}

// Server is a running Temporal server.
type Server struct {
	Addr string
	srv  temporal.Server
}

// Stop stops the server.
func (s *Server) Stop() error { return s.srv.Stop() }

// Start sets up the databases if needed and starts the server.
func Start(ctx context.Context, opts *Options) (*Server, error) {
	o := *opts
	if o.Database == "" {
		o.Database = "temporal"
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:7233"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Shards <= 0 {
		o.Shards = 4
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	host, portStr, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("pgtemporal: address %q: %w", o.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("pgtemporal: address %q: %w", o.Addr, err)
	}
	logger := tlog.NewZapLogger(tlog.BuildZapLogger(tlog.Config{Level: o.LogLevel, Format: "json"}))
	sqlCfg := func(db string) *config.SQL {
		return &config.SQL{PluginName: postgresql.PluginName, DatabaseName: db, ConnectAddr: o.PostgresAddr,
			ConnectProtocol: "tcp", User: o.User, Password: o.Password,
			MaxConns: 20, MaxIdleConns: 20, MaxConnLifetime: time.Hour}
	}
	main, vis := sqlCfg(o.Database), sqlCfg(o.Database+"_visibility")
	for _, s := range []struct {
		cfg     *config.SQL
		name    string
		version string
	}{{main, "postgresql/v12/temporal", pgschema.Version}, {vis, "postgresql/v12/visibility", pgschema.VisibilityVersion}} {
		if err := setupSchema(s.cfg, s.name, s.version, logger); err != nil {
			return nil, err
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig("active", o.Namespace, false, workflows.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("pgtemporal: namespace: %w", err)
	}
	if err := sqliteschema.CreateNamespaces(main, ns); err != nil {
		return nil, fmt.Errorf("pgtemporal: namespace %s: %w", o.Namespace, err)
	}

	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = host
	conf.Persistence.DefaultStore = "default"
	conf.Persistence.VisibilityStore = "visibility"
	conf.Persistence.NumHistoryShards = o.Shards
	conf.Persistence.DataStores = map[string]config.DataStore{"default": {SQL: main}, "visibility": {SQL: vis}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10, MasterClusterName: "active", CurrentClusterName: "active",
		ClusterInformation: map[string]cluster.ClusterInformation{"active": {
			Enabled: true, InitialFailoverVersion: 1,
			RPCAddress: o.Addr, HTTPAddress: net.JoinHostPort(host, strconv.Itoa(port+4)),
			ClusterID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("foidesk:"+o.Database)).String(),
		}},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	svc := func(p int, http int) config.Service {
		var s config.Service
		s.RPC.GRPCPort, s.RPC.BindOnIP, s.RPC.HTTPPort = p, host, http
		return s
	}
	conf.Services = map[string]config.Service{
		"frontend": svc(port, port+4), "history": svc(port+1, 0), "matching": svc(port+2, 0), "worker": svc(port+3, 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = o.Addr

	hostPort := func(s string) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(host, strconv.Itoa(conf.Services[s].RPC.GRPCPort)))
	}
	dyn := dynamicconfig.StaticClient{
		dynamicconfig.Key("system.forceSearchAttributesCacheRefreshOnRead"): true,
		dynamicconfig.Key("frontend.namespaceRPS"):                          10000,
		dynamicconfig.Key("frontend.persistenceMaxQPS"):                     10000,
		dynamicconfig.Key("history.persistenceMaxQPS"):                      45000,
		dynamicconfig.Key("matching.persistenceMaxQPS"):                     10000,
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(&conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: hostPort("frontend"), primitives.HistoryService: hostPort("history"),
			primitives.MatchingService: hostPort("matching"), primitives.WorkerService: hostPort("worker"),
		}),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dyn),
	)
	if err != nil {
		return nil, fmt.Errorf("pgtemporal: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("pgtemporal: start: %w", err)
	}
	// A database set up by an older foidesk has the namespace without the
	// search attributes added since: register what is missing.
	if err := engine.AwaitSearchAttributes(ctx, engine.Options{Address: o.Addr, Namespace: o.Namespace}, 60*time.Second); err != nil {
		_ = srv.Stop()
		return nil, err
	}
	return &Server{Addr: o.Addr, srv: srv}, nil
}

// setupSchema creates Temporal's tables in an empty database at version,
// as Temporal's temporal-sql-tool setup-schema does, and leaves a database
// already set up alone.
func setupSchema(cfg *config.SQL, name, version string, logger tlog.Logger) error {
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, cfg, resolver.NewNoopResolver(), logger, metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("pgtemporal: connect to %s: %w", cfg.DatabaseName, err)
	}
	defer db.Close()
	if v, err := db.ReadSchemaVersion(cfg.DatabaseName); err == nil && v != "" {
		if v != version {
			return fmt.Errorf("pgtemporal: database %s is at schema %s, this server needs %s", cfg.DatabaseName, v, version)
		}
		return nil
	}
	if err := db.CreateSchemaVersionTables(); err != nil {
		return fmt.Errorf("pgtemporal: set up %s: %w", cfg.DatabaseName, err)
	}
	f, err := dbschemas.Assets().Open(name + "/schema.sql")
	if err != nil {
		return fmt.Errorf("pgtemporal: %w", err)
	}
	defer f.Close()
	stmts, err := persistence.LoadAndSplitQueryFromReaders([]io.Reader{f})
	if err != nil {
		return fmt.Errorf("pgtemporal: %s schema: %w", name, err)
	}
	for _, stmt := range stmts {
		if err := db.Exec(stmt); err != nil {
			return fmt.Errorf("pgtemporal: set up %s: %w", cfg.DatabaseName, err)
		}
	}
	if err := db.UpdateSchemaVersion(cfg.DatabaseName, version, version); err != nil {
		return fmt.Errorf("pgtemporal: set up %s: %w", cfg.DatabaseName, err)
	}
	if err := db.WriteSchemaUpdateLog("0", version, "", "initial version"); err != nil {
		return fmt.Errorf("pgtemporal: set up %s: %w", cfg.DatabaseName, err)
	}
	return nil
}
