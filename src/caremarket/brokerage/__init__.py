"""Brokerage: the interim care list, requests, offers and awards, home-care rounds and zones."""
