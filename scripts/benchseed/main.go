// Command benchseed fills a data folder with the demo county plus
// synthetic power items (copies of the demo's powers under new codes)
// until the power list holds -powers items, for load tests of the list
// API. It writes through the ledger like any edit.
//
//	go run ./scripts/benchseed -data /tmp/qingdan-bench -powers 10000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"sync"

	"qingdan/data/demo"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

func main() {
	dir := flag.String("data", "./qingdan-bench", "data folder to create")
	powers := flag.Int("powers", 10000, "power items to reach")
	flag.Parse()
	if err := run(*dir, *powers); err != nil {
		log.Fatal(err)
	}
}

func run(dir string, want int) error {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := ledger.LoadOrCreateKey(filepath.Join(dir, "ledger.key"), ledger.DefaultOrigin)
	if err != nil {
		return err
	}
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	l, err := ledger.Open(ls, ledger.Config{Origin: ledger.DefaultOrigin, Key: key})
	if err != nil {
		return err
	}
	defer l.Close()
	cat := lists.NewCatalog(db, l)
	if err := demo.Seed(ctx, cat); err != nil {
		return err
	}
	d, _ := demo.Load()
	return copies(ctx, cat, d.Powers, want-len(d.Powers))
}

// copies publishes n copies of the demo powers under new codes, from 64
// goroutines so that the ledger batches them.
func copies(ctx context.Context, cat *lists.Catalog, src []lists.PowerItem, n int) error {
	meta := lists.ChangeMeta{BasisDoc: "压测〔2026〕1号", ChangeNote: "load-test copy", EffectiveFrom: "2026-01-01"}
	work := make(chan int)
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				p := src[i%len(src)]
				p.Code = fmt.Sprintf("%s-C%05d", p.Code, i)
				item, _ := json.Marshal(p)
				if _, err := cat.Publish(ctx, "benchseed", lists.KindPower, item, meta); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			return err
		}
	}
	close(work)
	wg.Wait()
	return nil
}
