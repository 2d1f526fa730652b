"""Progress updates: the rules, saving and submitting, revisions and history, review.

Also what a department's quarter and each role's home page list, and the API's update listing.
"""
