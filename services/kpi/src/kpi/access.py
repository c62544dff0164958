"""What each role sees of the kpi service; the scope itself is `parkops_runtime.access`.

- A park's figures (occupancy, scorecards with drill-down, series and CSV, targets and terms, published
  assessments): group admins and auditors of the owning group, park operators of the parks their token
  names. Tenant users: 403 on every one of them — each aggregates the park's other enterprises.
- Changing them (targets, operator agreement, operating costs, publishing an assessment, a low-efficiency
  scan): group admins only; park operators and auditors 403.
- A group's portfolio: `GroupScope` (group admins and auditors of the group; another group 404, its park
  operators and tenant users 403).
- A park unknown to the directory, owned by another group or not named by the token: 404 before any of
  the above (`ParkScope`), so nothing is created for it and nothing tells whether it exists."""

from parkops_runtime.access import AdminScope, GroupScope

WriterScope = AdminScope
"""A park's KPI terms and publications: group admins."""
PortfolioScope = GroupScope
"""A group's ranking of its parks: group-wide roles."""
