# The Hub emulator's organization routes against the official spec (latest.yaml, tag org-access-tokens)
# and the docs' rules (REFERENCE §4, §4.1), over real HTTP. The module is not involved: these prove
# that the stand-in the module is tested against is faithful and strict.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    # Starts from the seeded state, so the defaults can be checked; earlier files are done with theirs.
    Invoke-Emulator -Method Post -Path '/_emulator/reset' | Out-Null
    $script:Owner = New-TestAccount -Prefix 'owner'
    $script:Member = New-TestAccount -Prefix 'member'
    $script:OwnerJwt = Get-TestBearer -Username $Owner.Username -Password $Owner.Password
    $script:MemberJwt = Get-TestBearer -Username $Member.Username -Password $Member.Password

    function New-Org([string] $Plan = 'Team') {
        New-TestOrganization -Owner $script:Owner.Username -Member $script:Member.Username -Plan $Plan
    }

    function Get-Keys($Object) { @($Object.Keys) }

    # A valid create body; tests change one thing at a time.
    function New-Body([string] $Org, [hashtable] $Change = @{}) {
        $body = @{
            label       = 'ci-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
            description = 'for tests'
            resources   = @(@{ type = 'TYPE_REPO'; path = "$Org/app"; scopes = @('scope-image-pull') })
        }
        foreach ($key in $Change.Keys) { $body[$key] = $Change[$key] }
        $body
    }

    function Get-TokenPath([string] $Org, [string] $Id) {
        if ($Id) { "/v2/orgs/$Org/access-tokens/$Id" } else { "/v2/orgs/$Org/access-tokens" }
    }

    $script:ListEntryKeys = 'id', 'label', 'created_by', 'is_active', 'created_at', 'expires_at', 'last_used_at'
    # RFC 3339 in UTC with zero to six fractional digits, as Hub's newer services write times.
    $script:OatTime = '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$'
}

Describe 'Default organizations' {
    It 'are there after a reset: acme (Team, alice owner, bob member, four tokens) and globex (Business)' {
        $acme = Invoke-Emulator -Path '/_emulator/orgs/acme'
        $acme.plan | Should -Be 'team'
        $acme.token_limit | Should -Be 10
        @($acme.owners) | Should -Be @('alice')
        @($acme.members) | Should -Be @('bob')
        $globex = Invoke-Emulator -Path '/_emulator/orgs/globex'
        $globex.plan | Should -Be 'business'
        $globex.token_limit | Should -Be 100

        $tokens = @(Get-ServerOrgToken -Organization acme)
        $tokens.label | Should -Be @('ci-pull', 'deploy', 'legacy-ci', 'old-release')
        ($tokens | Where-Object label -EQ 'legacy-ci').is_active | Should -BeFalse
        [datetime]($tokens | Where-Object label -EQ 'old-release').expires_at | Should -BeLessThan ([datetime]::UtcNow)
        $tokens.token | ForEach-Object { $_ | Should -Match '^dckr_oat_[A-Za-z0-9_-]{27}$' }
    }

    It 'lets alice list acme with the seeded tokens' {
        $alice = Get-TestBearer -Username alice -Password 'alice-password-1'
        $list = Invoke-HubApi -Path '/v2/orgs/acme/access-tokens' -Bearer $alice
        $list.Status | Should -Be 200
        $list.Json.total | Should -Be 4
    }
}

Describe 'Listing organization access tokens' {
    BeforeAll {
        $script:Org = New-Org
        Add-TestOrgToken -Organization $Org.name -Count 23 | Out-Null
    }

    It 'answers the spec envelope (total, next, previous, results) with 10 entries by default' {
        $page = Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt
        $page.Status | Should -Be 200
        Get-Keys $page.Json | Should -Be @('total', 'next', 'previous', 'results')
        $page.Json.total | Should -Be 23
        $page.Json.results.Count | Should -Be 10
        $page.Json.previous | Should -BeNullOrEmpty
        $page.Json.next | Should -Be "$env:DOCKERHUBPAT_TEST_HUB/v2/orgs/$($Org.name)/access-tokens?page=2&page_size=10"
    }

    It 'list entries carry exactly the orgAccessToken fields: no resources, no description' {
        $page = Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt
        foreach ($entry in $page.Json.results) {
            Get-Keys $entry | Should -Be $ListEntryKeys
            $entry.is_active | Should -BeOfType [bool]
            $entry.created_at | Should -Match $OatTime
            $entry.created_by | Should -Be $Owner.Username
        }
    }

    It 'follows absolute next links to the end, newest first, and gives absolute previous links' {
        $labels = @()
        $url = Get-TokenPath $Org.name
        $pages = 0
        while ($url) {
            $page = Invoke-HubApi -Path $url -Bearer $OwnerJwt
            $page.Status | Should -Be 200
            $labels += $page.Json.results.label
            if ($pages -gt 0) { $page.Json.previous | Should -Match '^http://127\.0\.0\.1:\d+/v2/orgs/.+page=\d+&page_size=10$' }
            $url = $page.Json.next
            $pages++
        }
        $pages | Should -Be 3
        $labels | Should -Be @(1..23 | ForEach-Object { 'oat-{0:d4}' -f $_ })
    }

    It 'takes page_size up to 100' {
        $page = Invoke-HubApi -Path "$(Get-TokenPath $Org.name)?page_size=100" -Bearer $OwnerJwt
        $page.Status | Should -Be 200
        $page.Json.results.Count | Should -Be 23
        $page.Json.next | Should -BeNullOrEmpty
    }

    It 'refuses <query> with 400 ValueError naming <field>' -ForEach @(
        @{ query = 'page_size=101'; field = 'page_size' }
        @{ query = 'page_size=0'; field = 'page_size' }
        @{ query = 'page=0'; field = 'page' }
        @{ query = 'page=x'; field = 'page' }
        @{ query = 'page=4'; field = 'page' }
    ) {
        $answer = Invoke-HubApi -Path "$(Get-TokenPath $Org.name)?$query" -Bearer $OwnerJwt
        $answer.Status | Should -Be 400
        Get-Keys $answer.Json | Should -Be @('fields', 'text')
        $answer.Json.fields.Keys | Should -Contain $field
    }
}

Describe 'Creating, reading, changing and deleting an organization access token' {
    BeforeAll { $script:Org = New-Org }

    It 'creates with 201 and the spec''s create shape: the secret, resources, no created_by' {
        $body = New-Body $Org.name @{ expires_at = [datetime]::UtcNow.AddDays(30).ToString('yyyy-MM-ddTHH:mm:ssZ') }
        $created = Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt -Body $body
        $created.Status | Should -Be 201
        Get-Keys $created.Json | Should -Be @('id', 'label', 'is_active', 'created_at', 'expires_at', 'last_used_at', 'token', 'resources')
        $created.Json.token | Should -Match '^dckr_oat_'
        $created.Json.last_used_at | Should -BeNullOrEmpty
        $created.Json.expires_at | Should -Match $OatTime
        $created.Json.resources[0] | Should -BeOfType [System.Collections.IDictionary]
        $created.Json.resources[0].path | Should -Be "$($Org.name)/app"

        $server = Get-ServerOrgToken -Organization $Org.name -Id $created.Json.id
        $server.created_by | Should -Be $Owner.Username
        $server.token | Should -Be $created.Json.token
        $server.description | Should -Be 'for tests'
        $script:Created = $created.Json
    }

    It 'accepts expires_at null (never expires)' {
        $created = Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt -Body (New-Body $Org.name @{ expires_at = $null })
        $created.Status | Should -Be 201
        $created.Json.expires_at | Should -BeNullOrEmpty
        $created.Json.Keys | Should -Contain 'expires_at'
    }

    It 'gets one token with resources and description' {
        $one = Invoke-HubApi -Path (Get-TokenPath $Org.name $Created.id) -Bearer $OwnerJwt
        $one.Status | Should -Be 200
        Get-Keys $one.Json | Should -Be @('id', 'label', 'description', 'created_by', 'is_active', 'created_at', 'expires_at', 'last_used_at', 'resources')
        $one.Json.resources[0].scopes | Should -Be @('scope-image-pull')
        $one.Json.Keys | Should -Not -Contain 'token'
    }

    It 'patches label, description, resources and is_active, answering with resources' {
        $change = @{
            label       = 'renamed'
            description = ''
            resources   = @(
                @{ type = 'TYPE_REPO'; path = "$($Org.name)/*"; scopes = @('scope-image-push') }
                @{ type = 'TYPE_ORG'; path = $Org.name; scopes = @('scope-member-read') }
            )
            is_active   = $false
        }
        $patched = Invoke-HubApi -Method Patch -Path (Get-TokenPath $Org.name $Created.id) -Bearer $OwnerJwt -Body $change
        $patched.Status | Should -Be 200
        $patched.Json.label | Should -Be 'renamed'
        $patched.Json.description | Should -Be ''
        $patched.Json.is_active | Should -BeFalse
        $patched.Json.resources.path | Should -Be @("$($Org.name)/*", $Org.name)
        (Get-ServerOrgToken -Organization $Org.name -Id $Created.id).label | Should -Be 'renamed'
    }

    It 'patches one field and leaves the others' {
        $patched = Invoke-HubApi -Method Patch -Path (Get-TokenPath $Org.name $Created.id) -Bearer $OwnerJwt -Body @{ is_active = $true }
        $patched.Status | Should -Be 200
        $patched.Json.is_active | Should -BeTrue
        $patched.Json.label | Should -Be 'renamed'
        $patched.Json.resources.Count | Should -Be 2
    }

    It 'refuses an empty PATCH with 400' {
        (Invoke-HubApi -Method Patch -Path (Get-TokenPath $Org.name $Created.id) -Bearer $OwnerJwt -Body @{}).Status | Should -Be 400
    }

    It 'refuses to activate (or change) an expired token with 400, and deletes it' {
        $expired = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'gone'; is_active = $false; expires_at = '2020-01-01T00:00:00Z' }
        $path = Get-TokenPath $Org.name $expired.id
        $activate = Invoke-HubApi -Method Patch -Path $path -Bearer $OwnerJwt -Body @{ is_active = $true }
        $activate.Status | Should -Be 400
        $activate.Json.fields.is_active | Should -Match 'expired'
        (Invoke-HubApi -Method Patch -Path $path -Bearer $OwnerJwt -Body @{ label = 'new' }).Status | Should -Be 400
        (Get-ServerOrgToken -Organization $Org.name -Id $expired.id).is_active | Should -BeFalse

        $deleted = Invoke-HubApi -Method Delete -Path $path -Bearer $OwnerJwt
        $deleted.Status | Should -Be 204
        $deleted.Content | Should -BeNullOrEmpty
        Get-ServerOrgToken -Organization $Org.name -Id $expired.id | Should -BeNullOrEmpty
    }

    It 'deletes with 204, then answers 404 for the token on every item route' {
        $path = Get-TokenPath $Org.name $Created.id
        (Invoke-HubApi -Method Delete -Path $path -Bearer $OwnerJwt).Status | Should -Be 204
        foreach ($method in 'Get', 'Delete') {
            $gone = Invoke-HubApi -Method $method -Path $path -Bearer $OwnerJwt
            $gone.Status | Should -Be 404
            Get-Keys $gone.Json | Should -Be @('detail', 'message')
        }
        (Invoke-HubApi -Method Patch -Path $path -Bearer $OwnerJwt -Body @{ label = 'x' }).Status | Should -Be 404
    }

    It 'answers 404 for a token of another organization' {
        $other = New-Org
        $theirs = Add-TestOrgToken -Organization $other.name -Token @{ label = 'theirs' }
        (Invoke-HubApi -Path (Get-TokenPath $Org.name $theirs.id) -Bearer $OwnerJwt).Status | Should -Be 404
    }
}

Describe 'Create validation as the docs describe it' {
    BeforeAll {
        $script:Org = New-Org 'Business'
        $script:Repos = { param($n) @(1..$n | ForEach-Object { @{ type = 'TYPE_REPO'; path = "$($Org.name)/repo$_"; scopes = @('scope-image-pull') } }) }
    }

    It 'refuses <case> with 400 ValueError naming <field>' -ForEach @(
        @{ case = 'no label'; field = 'label'; change = { @{ label = $null } }; remove = 'label' }
        @{ case = 'a blank label'; field = 'label'; change = { @{ label = '  ' } } }
        @{ case = 'a label of 101 characters'; field = 'label'; change = { @{ label = 'x' * 101 } } }
        @{ case = 'a description of 201 characters'; field = 'description'; change = { @{ description = 'd' * 201 } } }
        @{ case = 'no resources'; field = 'resources'; change = { @{} }; remove = 'resources' }
        @{ case = 'an empty resource list'; field = 'resources'; change = { @{ resources = @() } } }
        @{ case = '51 repositories'; field = 'resources'; change = { @{ resources = & $Repos 51 } } }
        @{ case = 'an unknown resource type'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_TEAM'; path = "$($Org.name)/app"; scopes = @('scope-image-pull') }) } } }
        @{ case = 'a repository of another organization'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = 'other/app'; scopes = @('scope-image-pull') }) } } }
        @{ case = 'a repository path without organization'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = 'app'; scopes = @('scope-image-pull') }) } } }
        @{ case = 'a path with upper case'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.name)/App"; scopes = @('scope-image-pull') }) } } }
        @{ case = 'push on */*/public'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = '*/*/public'; scopes = @('scope-image-push') }) } } }
        @{ case = 'an organization resource for another organization'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_ORG'; path = 'other'; scopes = @('scope-member-read') }) } } }
        @{ case = 'a scope without the scope- prefix'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.name)/app"; scopes = @('repo-pull') }) } } }
        @{ case = 'no scopes'; field = 'resources'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.name)/app"; scopes = @() }) } } }
        @{ case = 'an expiry in the past'; field = 'expires_at'; change = { @{ expires_at = '2020-01-01T00:00:00Z' } } }
        @{ case = 'an expiry more than a year ahead'; field = 'expires_at'; change = { @{ expires_at = [datetime]::UtcNow.AddYears(1).AddDays(1).ToString('yyyy-MM-ddTHH:mm:ssZ') } } }
        @{ case = 'an expiry without a zone'; field = 'expires_at'; change = { @{ expires_at = '2030-01-01T00:00:00' } } }
    ) {
        $body = New-Body $Org.name (& $change)
        if ($remove) { $body.Remove($remove) }
        $before = @(Get-ServerOrgToken -Organization $Org.name).Count
        $answer = Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt -Body $body
        $answer.Status | Should -Be 400
        Get-Keys $answer.Json | Should -Be @('fields', 'text')
        $answer.Json.fields.Keys | Should -Contain $field
        @(Get-ServerOrgToken -Organization $Org.name).Count | Should -Be $before
    }

    It 'accepts <case>' -ForEach @(
        @{ case = 'a description of exactly 200 characters'; change = { @{ description = 'd' * 200 } } }
        @{ case = '50 repositories and one organization resource'; change = { @{ resources = @(& $Repos 50) + @(@{ type = 'TYPE_ORG'; path = $Org.name; scopes = @('scope-member-read', 'scope-repository-list') }) } } }
        @{ case = 'org/* and */*/public'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.name)/*"; scopes = @('scope-image-delete') }, @{ type = 'TYPE_REPO'; path = '*/*/public'; scopes = @('scope-image-pull') }) } } }
        @{ case = 'an unknown scope- value (Docker adds scopes)'; change = { @{ resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.name)/app"; scopes = @('scope-image-sign') }) } } }
        @{ case = 'an expiry a little under a year ahead'; change = { @{ expires_at = [datetime]::UtcNow.AddDays(364).ToString('yyyy-MM-ddTHH:mm:ss.fffZ') } } }
        @{ case = 'a 100-character label of emoji'; change = { @{ label = [string]::Concat(@(1..100 | ForEach-Object { [char]::ConvertFromUtf32(0x1F600) })) } } }
    ) {
        $answer = Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt -Body (New-Body $Org.name (& $change))
        $answer.Status | Should -Be 201 -Because $answer.Content
    }

    It 'refuses a body that is not JSON with 415' {
        $answer = Invoke-WebRequest -Method Post -Uri "$env:DOCKERHUBPAT_TEST_HUB$(Get-TokenPath $Org.name)" -SkipHttpErrorCheck `
            -Headers @{ Authorization = "Bearer $OwnerJwt" } -Body 'label=x' -ContentType 'application/x-www-form-urlencoded'
        $answer.StatusCode | Should -Be 415
    }
}

Describe 'Who may manage organization access tokens' {
    BeforeAll {
        $script:Org = New-Org
        $script:Token = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'one' }
    }

    It 'answers 401 without a bearer, on every route' {
        foreach ($route in @(@('Get', (Get-TokenPath $Org.name)), @('Post', (Get-TokenPath $Org.name)),
                @('Get', (Get-TokenPath $Org.name $Token.id)), @('Patch', (Get-TokenPath $Org.name $Token.id)),
                @('Delete', (Get-TokenPath $Org.name $Token.id)))) {
            $answer = Invoke-HubApi -Method $route[0] -Path $route[1]
            $answer.Status | Should -Be 401
            Get-Keys $answer.Json | Should -Be @('detail', 'message')
        }
    }

    It 'answers 401 for an expired session' {
        $saved = Invoke-Emulator -Path '/_emulator/settings'
        try {
            Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = 1 } | Out-Null
            $short = Get-TestBearer -Username $Owner.Username -Password $Owner.Password
            Start-Sleep -Seconds 2
            $answer = Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $short
            $answer.Status | Should -Be 401
            $answer.Json.detail | Should -Be 'Token is expired'
        }
        finally {
            Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = $saved.jwt_lifetime_seconds } | Out-Null
        }
    }

    It 'answers 403 to a member who is not an owner, and says so' {
        $answer = Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $MemberJwt
        $answer.Status | Should -Be 403
        Get-Keys $answer.Json | Should -Be @('detail', 'message')
        $answer.Json.detail | Should -Match 'not an owner'
        (Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $MemberJwt -Body (New-Body $Org.name)).Status | Should -Be 403
        (Invoke-HubApi -Method Delete -Path (Get-TokenPath $Org.name $Token.id) -Bearer $MemberJwt).Status | Should -Be 403
        Get-ServerOrgToken -Organization $Org.name -Id $Token.id | Should -Not -BeNullOrEmpty
    }

    It 'answers 403 to someone outside the organization, and 200 once made an owner' {
        $outsider = New-TestAccount -Prefix 'out'
        $jwt = Get-TestBearer -Username $outsider.Username -Password $outsider.Password
        (Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $jwt).Status | Should -Be 403
        Set-TestOrganization -Name $Org.name -Owner $Owner.Username, $outsider.Username | Out-Null
        (Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $jwt).Status | Should -Be 200
    }

    It 'answers 404 for an unknown organization, saying so' {
        $answer = Invoke-HubApi -Path (Get-TokenPath 'noorg404x') -Bearer $OwnerJwt
        $answer.Status | Should -Be 404
        $answer.Json.detail | Should -Match 'noorg404x'
        (Invoke-HubApi -Path (Get-TokenPath 'noorg404x' $Token.id) -Bearer $OwnerJwt).Status | Should -Be 404
    }

    It 'answers 403 to a session made from a personal access token' {
        $pat = Add-TestToken -Username $Owner.Username -Scopes 'repo:admin'
        $exchange = Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Owner.Username; secret = $pat.token }
        $answer = Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $exchange.Json.access_token
        $answer.Status | Should -Be 403
        $answer.Json.message | Should -Be 'token issued from personal access token is not allowed'
    }

    It 'answers 403 to a session made from an organization access token, here and on the PAT routes' {
        $exchange = Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.name; secret = $Token.token }
        $exchange.Status | Should -Be 200
        foreach ($path in (Get-TokenPath $Org.name), '/v2/access-tokens') {
            $answer = Invoke-HubApi -Path $path -Bearer $exchange.Json.access_token
            $answer.Status | Should -Be 403
            $answer.Json.message | Should -Be 'token issued from organization access token is not allowed'
        }
    }

    It 'sends the rate-limit headers on every answer, refusals included' {
        foreach ($answer in (Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt),
            (Invoke-HubApi -Path (Get-TokenPath $Org.name) -Bearer $MemberJwt),
            (Invoke-HubApi -Path (Get-TokenPath 'noorg404x')),
            (Invoke-HubApi -Method Post -Path (Get-TokenPath $Org.name) -Bearer $OwnerJwt -Body @{})) {
            foreach ($header in 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset') {
                $answer.Headers[$header] | Should -Match '^\d+$' -Because "$header on a $($answer.Status)"
            }
        }
    }
}

Describe 'Plan limits' {
    It 'a Team organization refuses the 11th token with 403 naming the limit; expired and inactive ones count' {
        $org = New-Org
        Add-TestOrgToken -Organization $org.name -Token @(
            @{ label = 'expired'; expires_at = '2020-01-01T00:00:00Z' }
            @{ label = 'off'; is_active = $false }) | Out-Null
        Add-TestOrgToken -Organization $org.name -Count 7 | Out-Null
        (Invoke-HubApi -Method Post -Path (Get-TokenPath $org.name) -Bearer $OwnerJwt -Body (New-Body $org.name)).Status | Should -Be 201

        $refused = Invoke-HubApi -Method Post -Path (Get-TokenPath $org.name) -Bearer $OwnerJwt -Body (New-Body $org.name)
        $refused.Status | Should -Be 403
        Get-Keys $refused.Json | Should -Be @('detail', 'message')
        $refused.Json.detail | Should -Match 'limit of 10'
        $refused.Json.detail | Should -Match 'Expired and deactivated tokens count'
        @(Get-ServerOrgToken -Organization $org.name).Count | Should -Be 10

        # Deleting one frees room.
        $expired = Get-ServerOrgToken -Organization $org.name | Where-Object label -EQ 'expired'
        (Invoke-HubApi -Method Delete -Path (Get-TokenPath $org.name $expired.id) -Bearer $OwnerJwt).Status | Should -Be 204
        (Invoke-HubApi -Method Post -Path (Get-TokenPath $org.name) -Bearer $OwnerJwt -Body (New-Body $org.name)).Status | Should -Be 201
    }

    It 'a Business organization allows 100' {
        $org = New-Org 'Business'
        Add-TestOrgToken -Organization $org.name -Count 99 | Out-Null
        (Invoke-HubApi -Method Post -Path (Get-TokenPath $org.name) -Bearer $OwnerJwt -Body (New-Body $org.name)).Status | Should -Be 201
        $refused = Invoke-HubApi -Method Post -Path (Get-TokenPath $org.name) -Bearer $OwnerJwt -Body (New-Body $org.name)
        $refused.Status | Should -Be 403
        $refused.Json.detail | Should -Match 'limit of 100'
    }
}

Describe 'Signing in at /v2/auth/token' {
    BeforeAll {
        $script:Org = New-Org
        $script:Oats = Add-TestOrgToken -Organization $Org.name -Token @(
            @{ label = 'live' }
            @{ label = 'off'; is_active = $false }
            @{ label = 'expired'; expires_at = '2020-01-01T00:00:00Z' }
            @{ label = 'removed' })
        $script:Pat = Add-TestToken -Username $Owner.Username -Scopes 'repo:read'

        function Get-Oat([string] $Label) { $script:Oats | Where-Object label -EQ $Label }
        function Invoke-SignIn([string] $Identifier, [string] $Secret) {
            Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Identifier; secret = $Secret }
        }
        function Get-Claims([string] $Jwt) {
            $payload = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
            $payload += '=' * ((4 - $payload.Length % 4) % 4)
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($payload)) | ConvertFrom-Json -AsHashtable
        }
    }

    It 'accepts the password of an account without a second factor' {
        $answer = Invoke-SignIn $Owner.Username $Owner.Password
        $answer.Status | Should -Be 200
        Get-Keys $answer.Json | Should -Be @('access_token')
        (Get-Claims $answer.Json.access_token).'https://hub.docker.com.source' | Should -Be 'password'
    }

    It 'accepts a personal access token with the username' {
        $answer = Invoke-SignIn $Owner.Username $Pat.token
        $answer.Status | Should -Be 200
        (Get-Claims $answer.Json.access_token).'https://hub.docker.com.source' | Should -Be "docker_pat|$($Pat.uuid)"
    }

    It 'accepts an organization access token with the organization name, for ten minutes, and stamps last_used_at' {
        $live = Get-Oat 'live'
        $answer = Invoke-SignIn $Org.name $live.token
        $answer.Status | Should -Be 200
        $claims = Get-Claims $answer.Json.access_token
        $claims.username | Should -Be $Org.name
        $claims.sub | Should -Be $Org.uuid
        $claims.'https://hub.docker.com.source' | Should -Be "docker_oat|$($live.id)"
        ($claims.exp - $claims.iat) | Should -BeLessOrEqual 600
        $used = [datetime](Get-ServerOrgToken -Organization $Org.name -Id $live.id).last_used_at
        ([datetime]::UtcNow - $used.ToUniversalTime()).TotalSeconds | Should -BeLessThan 60
    }

    It 'refuses <case> with 401 in the spec''s error shape' -ForEach @(
        @{ case = 'an inactive organization token'; identifier = { $Org.name }; secret = { (Get-Oat 'off').token } }
        @{ case = 'an expired organization token'; identifier = { $Org.name }; secret = { (Get-Oat 'expired').token } }
        @{ case = 'an organization token with the username'; identifier = { $Owner.Username }; secret = { (Get-Oat 'live').token } }
        @{ case = 'an organization token with another organization'; identifier = { 'acme' }; secret = { (Get-Oat 'live').token } }
        @{ case = 'a personal token with the organization name'; identifier = { $Org.name }; secret = { $Pat.token } }
        @{ case = 'a wrong password'; identifier = { $Owner.Username }; secret = { 'nope' } }
    ) {
        $answer = Invoke-SignIn (& $identifier) (& $secret)
        $answer.Status | Should -Be 401
        Get-Keys $answer.Json | Should -Be @('errinfo', 'detail', 'message')
    }

    It 'refuses a deleted organization token' {
        $removed = Get-Oat 'removed'
        (Invoke-HubApi -Method Delete -Path (Get-TokenPath $Org.name $removed.id) -Bearer $OwnerJwt).Status | Should -Be 204
        (Invoke-SignIn $Org.name $removed.token).Status | Should -Be 401
    }

    It 'refuses a token deactivated through the API' {
        $live = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'soon-off' }
        (Invoke-SignIn $Org.name $live.token).Status | Should -Be 200
        (Invoke-HubApi -Method Patch -Path (Get-TokenPath $Org.name $live.id) -Bearer $OwnerJwt -Body @{ is_active = $false }).Status | Should -Be 200
        (Invoke-SignIn $Org.name $live.token).Status | Should -Be 401
    }

    It 'refuses an organization token at /v2/users/login, as Hub does' {
        $answer = Invoke-HubApi -Method Post -Path '/v2/users/login' -Body @{ username = $Org.name; password = (Get-Oat 'live').token }
        $answer.Status | Should -Be 401
        $answer.Json.detail | Should -Be 'Cannot log into an organization account'
    }
}

Describe 'Organization control routes' {
    It 'refuses an organization named like a user, and a user named like an organization' {
        { Invoke-Emulator -Method Post -Path '/_emulator/orgs' -Body @{ name = $Owner.Username } } | Should -Throw '*already a user name*'
        { Invoke-Emulator -Method Post -Path '/_emulator/accounts' -Body @{ username = 'acme'; password = 'x' } } | Should -Throw '*already an organization name*'
    }

    It 'refuses unknown owners, unknown plans and unknown fields' {
        { New-TestOrganization -Owner 'nosuchuser404' } | Should -Throw '*no account*'
        { Invoke-Emulator -Method Post -Path '/_emulator/orgs' -Body @{ name = 'planless1'; plan = 'free' } } | Should -Throw '*plan*'
        { Invoke-Emulator -Method Post -Path '/_emulator/orgs' -Body @{ name = 'typo1234'; owner = @() } } | Should -Throw '*unknown field*owner*'
    }

    It 'changes plan, owners and members, keeping owners out of the member list' {
        $org = New-Org
        $changed = Set-TestOrganization -Name $org.name -Plan Business -Owner $Owner.Username, $Member.Username -Member $Member.Username
        $changed.plan | Should -Be 'business'
        $changed.token_limit | Should -Be 100
        @($changed.owners) | Should -Be @($Owner.Username, $Member.Username)
        @($changed.members) | Should -BeNullOrEmpty
    }

    It 'refuses to start with a seed account named like a default organization' {
        $seed = Join-Path $TestDrive 'seed.json'
        Set-Content -LiteralPath $seed -Value '{"accounts":[{"username":"acme","password":"pw"}]}'
        { Start-HubEmulator -SeedFile $seed } | Should -Throw '*exit code 2*default organization*'
    }

    It 'shows a personal token''s secret only when asked' {
        $pat = Add-TestToken -Username $Member.Username -LabelPrefix 'peek-'
        (Get-ServerToken -Username $Member.Username | Where-Object uuid -EQ $pat.uuid).token | Should -BeExactly ''
        (Get-ServerToken -Username $Member.Username -IncludeSecret | Where-Object uuid -EQ $pat.uuid).token | Should -Be $pat.token
    }

    It 'plants tokens with chosen fields and returns their secrets' {
        $org = New-Org
        $planted = Add-TestOrgToken -Organization $org.name -Token @{
            label = 'legacy'; description = 'planted'; is_active = $false; created_by = $Member.Username
            created_at = '2021-03-04T05:06:07Z'; last_used_at = '2022-01-01T00:00:00.5Z'; expires_at = '2023-01-01T00:00:00Z'
            resources = @(@{ type = 'TYPE_REPO'; path = 'Not/Validated'; scopes = @('anything') })
        }
        $planted.token | Should -Match '^dckr_oat_'
        $one = (Invoke-HubApi -Path (Get-TokenPath $org.name $planted.id) -Bearer $OwnerJwt).Json
        $one.created_at | Should -Be '2021-03-04T05:06:07Z'
        $one.last_used_at | Should -Be '2022-01-01T00:00:00.5Z'
        $one.created_by | Should -Be $Member.Username
        $one.resources[0].path | Should -Be 'Not/Validated'
    }
}
