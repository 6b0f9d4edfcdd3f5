// Placeholder: the binding lands with the foundation issue.
