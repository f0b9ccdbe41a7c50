"""The platform's vulnerability disclosure programme (bug bounty): researchers' reports with a
secret tracking token, staff triage through fixed states, CVSS 3.1 and 4.0 scores, service
levels and rewards per severity (versioned data files), the public acknowledgements, and the
``security.txt`` that points researchers here."""
