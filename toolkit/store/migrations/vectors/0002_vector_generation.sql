-- A token that changes whenever a model's vectors are deleted or replaced (a full re-embed, an
-- index rebuild). In-process caches of the vectors (toolkit.vectors.FastIndex) compare it, plus
-- the highest embeddings rowid, to know whether they can append new rows or must reload.
ALTER TABLE vector_models ADD COLUMN generation TEXT NOT NULL DEFAULT '';
