package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"qingdan/data/applications"
)

// uploadFlags bound what anonymous uploads and request bodies may hold
// (issue 20, findings 1 and 6).
type uploadFlags struct {
	materialsTTL        time.Duration
	materialsPerAddress int64 // MiB per hour
	materialsWaiting    int64 // MiB
	bodyBudget          int64 // MiB
}

func (u *uploadFlags) addFlags(fs *flag.FlagSet) {
	fs.DurationVar(&u.materialsTTL, "materials-ttl", 24*time.Hour, "how long an uploaded material waits for a submission to name it before it is deleted")
	fs.Int64Var(&u.materialsPerAddress, "materials-per-address", 200, "MiB of materials one client address (an IPv6 /64) may upload per hour (and at most 100 files)")
	fs.Int64Var(&u.materialsWaiting, "materials-waiting", 4096, "MiB of uploaded materials that no application names yet, from all clients together")
	fs.Int64Var(&u.bodyBudget, "body-budget", 64, "MiB of request bodies held in memory across all connections; past it requests get 503")
}

// quota is the web layer's upload quota.
func (u *uploadFlags) quota() applications.MaterialQuota {
	return applications.MaterialQuota{TTL: u.materialsTTL, PerAddressBytes: u.materialsPerAddress << 20, UnattachedBytes: u.materialsWaiting << 20}
}

// collectInterval is how often the server deletes the materials whose
// time ran out.
const collectInterval = 10 * time.Minute

// collectMaterialsEvery deletes, now and every interval until ctx ends,
// the uploads no application named in time.
func collectMaterialsEvery(ctx context.Context, a *applications.Approvals, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		files, bytes, err := a.CollectMaterials(ctx, time.Hour)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("collecting unattached materials", "err", err)
		case files > 0:
			logger.Info("collected unattached materials", "files", files, "bytes", bytes)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
