//go:build pprof

package main

// Built only with -tags pprof, for profiling a running server in
// benchmarks (docs/benchmarks.md): net/http/pprof on QINGDAN_PPROF_ADDR
// (default 127.0.0.1:6060). Never part of a release binary.

import (
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("QINGDAN_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			log.Printf("pprof on %s: %v", addr, err)
		}
	}()
}
