"""Many briefs at once: planning what to rebuild (hashes, the manifest), running briefs locally or on
Dask, verifying outputs and watching inputs. ``reportgen.build(paths, options)`` is its entry point
(reportgen.batch.orchestrate.build)."""
