"""HTTP plumbing around the Reflex app: what every response carries, whatever served it."""
