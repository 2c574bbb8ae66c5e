"""Pure rules of the ILP domain. Imports only the standard library."""
