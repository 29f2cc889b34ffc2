"""Use cases: load state, ask the policy, hand its actions to the gateway."""
