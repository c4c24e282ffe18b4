"""Side effects: planning what to rebuild, running briefs locally or on Dask, writing atomically."""
