"""The Streamlit chat: a client of the HTTP API."""
