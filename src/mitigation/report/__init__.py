"""Presenting results: terminal tables and files (CSV, Excel, JSON)."""
