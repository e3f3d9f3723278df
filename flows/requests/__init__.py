"""Ad-hoc FOI requests as data: a YAML spec in, a draft response pack out."""
