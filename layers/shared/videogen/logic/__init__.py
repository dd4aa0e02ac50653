"""Business logic: knows projects and scenes, not HTTP or Lambda events."""
