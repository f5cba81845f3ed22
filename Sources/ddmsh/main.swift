print("ddmsh")
