"""The email channel: mailboxes, ingestion of incoming mail, threading and its safety rules."""
