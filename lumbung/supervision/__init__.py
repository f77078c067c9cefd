"""The Dinas console: registry, rollout, consolidation, health rating, early warning."""
