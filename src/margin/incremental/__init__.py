"""The build cache (SITE/.margin-cache/): what `margin build` keeps between runs to do less.

store.py is the folder of checked entries, packs.py the files holding many small ones,
fingerprint.py the digests entries are keyed by, build.py what one build reads and leaves,
unchanged.py how a build knows it has nothing to do.
"""
