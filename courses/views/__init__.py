"""Course pages. Every course page answers 404 to anyone who is not a member (the same answer as
for a course that does not exist); members who may not change something get 403 from the
service. Anonymous visitors are sent to log in first, whatever the course."""
