"""Web pages of the people core keeps: a person's profile and tokens, and teams."""
