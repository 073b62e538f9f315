"""Approval-case logic shared by the server and the plugin: numbering, working-day calendar,
deadlines, workflow definitions and rule decision tables (all data-driven, no web code)."""
