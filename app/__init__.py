"""The product's wiring: what joins the generic engine to the plug-ins and emulators."""
