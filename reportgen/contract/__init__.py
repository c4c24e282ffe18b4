"""The input contract: schema, loading YAML/JSON and history tables with located errors."""
