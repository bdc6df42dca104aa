// Package lists keeps the three lists (三张清单: powers, responsibilities,
// public services) and the departments as projections of the ledger: every
// item is published, amended or repealed by a list entry carrying the
// whole item, its version, the document that authorises the change and
// its effective date. Catalog appends those entries and reads the lists;
// InForce and TakesApplications are the one rule of what is in force
// (清单之外不得实施) that the other domains ask.
//
// An item is read in today's form whatever version of the code wrote it:
// a field an older entry lacks takes its default, and new items are
// checked to carry every field (docs/ledger.md, "How event data evolves").
package lists
