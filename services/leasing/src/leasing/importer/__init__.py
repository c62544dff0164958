"""Bring a park's existing units, tenants and leases into leasing from the sheets a park office keeps.

`python -m leasing.importer --park P --url URL --token T FILE` (README, "Importing a park"): FILE is an
.xlsx workbook with the sheets `units`, `tenants` and `leases`, or a directory of `units.csv`,
`tenants.csv` and `leases.csv`. Every row is checked first (`sheets` reads, `plan` validates against
leasing's own request models and what the park already holds); one refused row and nothing is written.
Then each row goes through leasing's own HTTP commands (`client`), keyed by park, sheet and the row's
natural key, so the same events are published once and a second run changes nothing."""
