from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .forms import ThrottledAdminAuthenticationForm
from .models import User

admin.site.register(User, UserAdmin)
# The admin's log-in shares the site's lock: a locked account cannot get in there instead.
admin.site.login_form = ThrottledAdminAuthenticationForm
