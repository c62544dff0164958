"""A park group's matchmaking configuration: its industry-chain map, score weights and whether
matching may cross its parks."""

from dataclasses import dataclass

from parkops_kernel.errors import Conflict

from matchmaking.domain.chain import IndustryChainMap
from matchmaking.domain.default_chain import default_chain_map
from matchmaking.domain.scoring import Weights


@dataclass
class GroupConfig:
    group_id: str
    chain: IndustryChainMap
    weights: Weights
    group_wide: bool = True

    @classmethod
    def default(cls, group_id: str) -> "GroupConfig":
        """The shipped chain map and weights; group-wide matching allowed."""
        return cls(group_id, default_chain_map(), Weights())

    def replace_chain(self, chain: IndustryChainMap, segments_in_use: set[str]) -> None:
        """A segment still used by an offering or a need cannot leave the map."""
        dropped = sorted(segments_in_use - set(chain.segments))
        if dropped:
            raise Conflict(f"segments still used by profiles: {', '.join(dropped)}")
        self.chain = chain
