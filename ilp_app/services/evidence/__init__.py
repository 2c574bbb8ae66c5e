"""Evidence of learning (files and links on goals and tasks) and the year-end showcase."""
