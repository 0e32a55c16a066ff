"""What the organizer dashboard's pages read and change, through the commands' own rules."""
