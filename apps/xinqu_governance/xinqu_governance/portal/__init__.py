"""Pages we serve ourselves (no framework JS/CSS bundles): the residents' portal (/petition,
/petition/track) and the grid workers' mobile page (/grid)."""
