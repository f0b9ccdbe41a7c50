"""Background work. Each job is a row in the store (its state, attempts and lease) and a message
in a task queue (Huey: SQLite file by default, Redis at scale). The row is written in the
transaction that needs the job and the message sent after it commits; a worker claims the row
under a lease it keeps renewing, so a worker killed mid-job leaves a lease that runs out, and
the job runs again. Results are written in the transaction that marks the job done, guarded by
its state, so a job's result is written exactly once however often it runs."""
