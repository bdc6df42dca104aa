package ledger

// FrontierIndexes returns the tlog storage indexes of the roots of the
// complete subtrees of a tree of size: the hashes that tlog.TreeHash(size)
// reads and that appending entry size needs. A verifier that keeps only
// these can extend a tree it verified without its earlier entries.
func FrontierIndexes(size int64) []int64 { return frontierIndexes(size) }
