"""One builder per chapter of the Market Position Statement, in the order a council gives them."""
