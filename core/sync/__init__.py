"""Offline-first sync between the local store and the approval server."""
