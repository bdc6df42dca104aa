package web

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/policy"
	"qingdan/web/accounts"
)

// testDatabase is one database two replicas can open: a SQLite folder, or
// (under pgtest.Backends' "postgres" subtest) a PostgreSQL schema.
type testDatabase struct{ dir, url string }

func newTestDatabase(t *testing.T) testDatabase {
	t.Helper()
	if pgtest.Is(t) {
		return testDatabase{url: pgtest.Schema(t)}
	}
	return testDatabase{dir: t.TempDir()}
}

// open opens another handle on the database, as another process would.
func (d testDatabase) open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), d.url, d.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

const replicaOrigin = "replicas.qingdan.local/"

// replica is one server over a shared database: its own connections,
// logs, catalog snapshot, enforcer, decision cache and session store.
type replica struct {
	srv *Server
	id  *accounts.Accounts
}

func newReplica(t *testing.T, d testDatabase, keys [2]*ledger.Key, follow time.Duration) *replica {
	t.Helper()
	db := d.open(t)
	open := func(name string, key *ledger.Key) *ledger.Log {
		ls, _ := store.NewLedgerStore(db, name)
		origin := replicaOrigin + name
		l, err := ledger.Open(ls, ledger.Config{Origin: origin, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
	l, sec := open(store.MainLog, keys[0]), open(store.SecurityLog, keys[1])
	enf, err := policy.New(db.Writer)
	if err != nil {
		t.Fatal(err)
	}
	id := &accounts.Accounts{Directory: identity.NewDirectory(db, l), Enforcer: enf}
	cals, err := calendar.NewCalendars(context.Background(), db, l)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go id.FollowRoleChanges(ctx, follow, slog.Default())
	approvals := applications.NewApprovals(db, l, cals.Current)
	approvals.UsePII(testPII(t, db))
	srv := New(Config{Ledger: l, SecurityLog: sec, Catalog: lists.NewCatalog(db, l), Accounts: id, Calendars: cals,
		Approvals: approvals, SessionStorage: identity.NewSessions(db)})
	return &replica{srv: srv, id: id}
}

// TestReplicasShareSessionsAndRoles runs two servers over one database: a
// session started on one is honoured by the other, and a role revoked or
// granted through one is enforced by the other within 5 s, although each
// keeps its policy and decisions in memory.
func TestReplicasShareSessionsAndRoles(t *testing.T) {
	pgtest.Backends(t, testReplicasShareSessionsAndRoles)
}

func testReplicasShareSessionsAndRoles(t *testing.T) {
	d := newTestDatabase(t)
	var keys [2]*ledger.Key // shared by the replicas, like --key and --seclog-key
	for i, name := range []string{store.MainLog, store.SecurityLog} {
		var err error
		if keys[i], _, err = ledger.NewKey(replicaOrigin + name); err != nil {
			t.Fatal(err)
		}
	}
	a, b := newReplica(t, d, keys, time.Second), newReplica(t, d, keys, time.Second)
	ctx := context.Background()
	if err := demo.Seed(ctx, a.srv.cfg.Catalog); err != nil {
		t.Fatal(err)
	}
	if _, err := a.id.SeedDemo(ctx, []string{"scjg", "gaj", "bianban"}); err != nil {
		t.Fatal(err)
	}
	queue := "/api/v1/applications?dept=scjg"

	secadmin := login(t, a.srv, "secadmin") // on A …
	clerk := login(t, a.srv, "clerk.scjg")
	waitForCode(t, b.srv, queue, clerk, 200) // … used on B, once B has seen the seeded grants
	revoke := map[string]string{"user": "clerk.scjg", "role": "clerk", "dept": "scjg"}
	if code, body := send(t, b.srv, "POST", "/api/v1/roles/revoke", secadmin, revoke); code != 200 {
		t.Fatalf("revoke through B with A's session: %d %s", code, body)
	}
	waitForCode(t, a.srv, queue, clerk, 403) // revoked on B, enforced on A
	if code, body := send(t, a.srv, "POST", "/api/v1/roles/grant", secadmin, revoke); code != 200 {
		t.Fatalf("grant through A: %d %s", code, body)
	}
	waitForCode(t, b.srv, queue, clerk, 200) // granted on A, enforced on B

	if code, _ := send(t, a.srv, "POST", "/api/v1/logout", clerk, nil); code != 200 {
		t.Fatalf("logout on A: %d", code)
	}
	if code, _ := send(t, b.srv, "GET", queue, clerk, nil); code != 401 {
		t.Fatalf("a session ended on A still works on B: %d", code)
	}
}

// waitForCode polls until GET path answers want, failing after 5 s.
func waitForCode(t *testing.T, s *Server, path string, who creds, want int) {
	t.Helper()
	start := time.Now()
	for {
		code, body := send(t, s, "GET", path, who, nil)
		if code == want {
			t.Logf("%s answered %d after %s", path, want, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%s still answers %d (%s) after 5 s, want %d", path, code, body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
