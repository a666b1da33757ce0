"""Reading and checking the declarative inputs: data tables, models and scenarios."""
