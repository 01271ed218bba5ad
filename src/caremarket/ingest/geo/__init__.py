"""Geography releases: boundaries, postcode lookups and council localities."""
