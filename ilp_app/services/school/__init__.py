"""Running the school: settings, people, groups, relationships, the objective library."""
