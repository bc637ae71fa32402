"""What the browser shows: the component ids, the page shell, the pages, their components and callbacks."""
