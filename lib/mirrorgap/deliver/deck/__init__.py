"""The client deck: slides from the branded master, native PowerPoint charts."""
