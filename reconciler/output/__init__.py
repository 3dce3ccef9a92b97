"""Output: plans, drift and apply results as text, JSON, Markdown and GitLab reports."""
