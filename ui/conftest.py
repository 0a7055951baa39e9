"""The page scripts run Streamlit at import: doctests are collected from the modules only."""

collect_ignore = ["app.py", "chat.py", "plan.py", "sources.py"]
