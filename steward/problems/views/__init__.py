"""The problem workspace's web pages, one module per page group: the list, the record,
and the links between problems and incidents."""
