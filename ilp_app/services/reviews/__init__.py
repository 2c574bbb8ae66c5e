"""Review meetings: scheduling, comments, outcomes, the calendar and the dashboard."""
