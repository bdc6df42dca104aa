// Package applications takes applications for the services that
// implement a power in force and records what officials do with them:
// accept or refuse, review, decide, deliver, pause and resume the clock,
// extend, and the applicant's withdrawal. Every step is one ledger entry
// whose rules (state transitions, four eyes, the department's powers) are
// checked inside the append transaction; the clocks are computed when
// read, from the working-day calendar in force.
//
// No personal data enters the ledger: an application entry carries a
// commitment to the applicant; the applicant's record is sealed at rest
// (package personal) and can be erased.
package applications
