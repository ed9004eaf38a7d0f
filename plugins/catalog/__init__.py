"""The catalog as flows see it: tasks, models of a task, model cards."""
