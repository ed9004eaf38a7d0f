"""Growth: referral links, promo codes and traffic sources (issue 17)."""
